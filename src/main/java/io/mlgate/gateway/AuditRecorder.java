package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.EventType;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.SessionContext;
import io.mlgate.audit.SessionIssuer;
import io.mlgate.audit.TlsDetails;
import io.mlgate.audit.UserIdentity;
import io.mlgate.iam.eval.DecidingStatement;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.sts.SessionClaims;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Builds the CloudTrail-shaped event of a finished call from its {@link GatewayCall} and appends it to the
 * {@link AuditLog}; the returned Mono completes when the event is durable, and the response is committed only then.
 * Request bodies never reach the event: only the audit-safe parameters the decoder chose, the body's SHA-256 and
 * size.
 */
public final class AuditRecorder {

    private static final Log LOG = LogFactory.getLog(AuditRecorder.class);

    private final AuditLog log;
    private final String region;
    private final Clock clock;
    private final java.util.function.Function<String, String> userIdOfUser;

    /**
     * @param userIdOfUser the unique id (AIDA...) of an IAM user ARN, or null: the issuer of federated sessions
     */
    public AuditRecorder(AuditLog log, String region, Clock clock,
                         java.util.function.Function<String, String> userIdOfUser) {
        this.log = log;
        this.region = region;
        this.clock = clock;
        this.userIdOfUser = userIdOfUser;
    }

    public boolean healthy() {
        return log.isHealthy();
    }

    public Mono<Void> record(ServerWebExchange exchange, GatewayCall call) {
        return Mono.defer(() -> {
            CompletableFuture<Void> durable;
            try {
                durable = log.append(event(exchange, call));
            } catch (RuntimeException e) {
                durable = CompletableFuture.failedFuture(e);
            }
            return Mono.fromFuture(durable);
        }).doOnError(e -> LOG.error("audit append failed for request " + call.requestId() + " ("
                + e.getClass().getSimpleName() + "); the response is withheld"));
    }

    AuditEvent event(ServerWebExchange exchange, GatewayCall call) {
        ServerHttpRequest request = exchange.getRequest();
        ApiCall api = call.apiCall();
        AuditEvent.Builder event = AuditEvent.builder()
                .eventTime(clock.instant())
                .awsRegion(region)
                .requestID(call.requestId())
                .eventType(EventType.AWS_API_CALL)
                .userIdentity(identity(call))
                .tlsDetails(tls(request, call.requestHeaders()));
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote != null && remote.getAddress() != null) {
            event.sourceIPAddress(remote.getAddress().getHostAddress());
        }
        if (call.networkSource() != null && call.networkSource().viaEndpoint()) {
            event.vpcEndpointId(call.networkSource().vpceId());
        }
        String userAgent = call.requestHeaders().getFirst(HttpHeaders.USER_AGENT);
        if (userAgent != null) {
            event.userAgent(userAgent);
        }
        if (call.errorCode() != null) {
            event.error(call.errorCode(), call.errorMessage());
        }
        EventData.Builder additional = EventData.builder();
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        additional.put("httpStatus", status == null ? 200 : status.value());
        if (api == null) {
            event.eventSource("gateway.mlgate").eventName("UnknownOperation").readOnly(true)
                    .eventCategory(EventCategory.MANAGEMENT)
                    .requestParameters(EventData.builder()
                            .put("httpMethod", request.getMethod().name())
                            .put("path", truncate(request.getURI().getRawPath(), 512))
                            .build());
        } else {
            event.eventSource(api.eventSource()).eventName(api.operation()).readOnly(api.readOnly())
                    .eventCategory(api.dataEvent() ? EventCategory.DATA : EventCategory.MANAGEMENT)
                    .recipientAccountId(api.accountId())
                    .requestParameters(parameters(api.requestParameters()));
            if (api.validationError() == null && api.resourceArn() != null && api.resourceArn().startsWith("arn:")) {
                // a wildcard ("*": List*, GetCallerIdentity) names no resource; CloudTrail omits resources then
                event.addResource(new EventResource(api.resourceArn(), api.accountId(), api.resourceType()));
            }
            if (call.bodySha256() != null) {
                additional.put("payloadSha256", call.bodySha256());
                additional.put("payloadBytes", call.body().length);
            }
            PiiInspection pii = call.pii();
            if (pii != null) {
                additional.put("pii", pii(pii));
            }
            if (call.invokedVariant() != null) {
                additional.put("invokedProductionVariant", call.invokedVariant());
                additional.put("modelLatencyMs", call.modelNanos() / 1_000_000.0);
            }
        }
        Decision decision = call.decision();
        if (decision != null) {
            additional.put("policyDecision", call.allowedByGrant() && call.errorCode() == null
                    ? grantDecision(decision) : decision(decision));
        }
        io.mlgate.iam.guardrail.GuardrailResult guardrails = call.guardrails();
        if (guardrails != null && guardrails.evaluated()) {
            additional.put("guardrailDecision", guardrails(guardrails));
        }
        event.additionalEventData(additional.build());
        return event.build();
    }

    /**
     * What the OPA guardrails decided after IAM allowed: ALLOW, DENY or ERROR (failed closed) overall, and per
     * guardrail its outcome and the reasons its policy gave (or what went wrong).
     */
    private static EventData guardrails(io.mlgate.iam.guardrail.GuardrailResult result) {
        List<EventData> decisions = new ArrayList<>(result.decisions().size());
        for (io.mlgate.iam.guardrail.GuardrailDecision d : result.decisions()) {
            decisions.add(EventData.builder().put("guardrail", d.guardrail()).put("outcome", d.outcome().name())
                    .putStrings("reasons", d.reasons()).build());
        }
        return EventData.builder()
                .put("outcome", result.allowed() ? "ALLOW" : result.failedClosed() ? "ERROR" : "DENY")
                .putStrings("reasons", result.reasons())
                .putObjects("decisions", decisions)
                .build();
    }

    /**
     * What the PII step found and did: the endpoint's mode, whether PII was found, its types and counts (never
     * values), whether the request was redacted or blocked, why a scan failed, and the response's outcome.
     */
    private static EventData pii(PiiInspection pii) {
        EventData.Builder b = EventData.builder()
                .put("mode", pii.policy().mode().name().toLowerCase(java.util.Locale.ROOT))
                .put("detected", pii.detected());
        if (pii.failure() != null) {
            b.put("scanFailure", pii.failure().name());
        } else {
            b.put("countsByType", counts(pii.request()));
        }
        b.put("requestRedacted", pii.requestRedacted());
        b.put("blocked", pii.blocksRequest());
        if (pii.response() != null) {
            EventData.Builder r = EventData.builder().put("countsByType", counts(pii.response()));
            if (pii.responseOutcome() != null) {
                r.put("outcome", pii.responseOutcome());
            }
            b.put("response", r.build());
        }
        return b.build();
    }

    private static EventData counts(io.mlgate.pii.ScanResult result) {
        EventData.Builder b = EventData.builder();
        result.countsByType().forEach((type, n) -> b.put(type.name(), n.longValue()));
        return b.build();
    }

    private UserIdentity identity(GatewayCall call) {
        Caller caller = call.caller();
        if (caller == null) {
            String[] web = call.webIdentity();
            if (web != null && web[0] != null && web[2] != null) {
                // an unsigned AssumeRoleWithWebIdentity: who the token proved, as CloudTrail writes it
                return UserIdentity.builder(IdentityType.WEB_IDENTITY_USER)
                        .principalId(web[0] + ":" + (web[1] == null ? "" : web[1]) + ":" + web[2])
                        .userName(web[2])
                        .identityProvider(web[0])
                        .build();
            }
            UserIdentity.Builder unknown = UserIdentity.builder(IdentityType.UNKNOWN);
            if (call.claimedAccessKeyId() != null) {
                unknown.accessKeyId(call.claimedAccessKeyId());
            }
            return unknown.build();
        }
        if (caller.session() != null) {
            return sessionIdentity(caller.session(), caller.principal());
        }
        PrincipalContext principal = caller.principal();
        UserIdentity.Builder identity = UserIdentity.builder(IdentityType.IAM_USER)
                .arn(principal.arn())
                .accountId(principal.accountId())
                .accessKeyId(caller.accessKeyId());
        principal.userId().ifPresent(identity::principalId);
        principal.userName().ifPresent(identity::userName);
        return identity.build();
    }

    /**
     * The userIdentity of a call made with temporary credentials (shared/reference/cloudtrail.md §2): AssumedRole
     * with the role as session issuer, FederatedUser with the IAM user as issuer, or the IAMUser behind a
     * GetSessionToken session; sessionContext with creation date, MFA flag, source identity, and for web-identity
     * sessions webIdFederationData.
     */
    private UserIdentity sessionIdentity(SessionClaims session, PrincipalContext principal) {
        SessionIssuer issuer = null;
        UserIdentity.Builder identity;
        switch (session.kind()) {
            case FEDERATED_USER -> {
                String user = session.sourceArn().orElse(null);
                identity = UserIdentity.builder(IdentityType.FEDERATED_USER)
                        .principalId(session.accountId() + ":" + session.sessionName().orElse(""));
                if (user != null) {
                    boolean root = user.endsWith(":root");
                    issuer = new SessionIssuer(root ? IdentityType.ROOT : IdentityType.IAM_USER,
                            root ? session.accountId() : userIdOfUser.apply(user), user, session.accountId(),
                            root ? null : user.substring(user.lastIndexOf('/') + 1));
                }
            }
            case USER_SESSION -> {
                boolean root = session.principalArn().endsWith(":root");
                identity = UserIdentity.builder(root ? IdentityType.ROOT : IdentityType.IAM_USER)
                        .principalId(root ? session.accountId() : principal.userId().orElse(null));
                principal.userName().ifPresent(identity::userName);
            }
            default -> {
                String roleArn = session.roleArn().orElse("");
                String roleId = session.roleId().orElse("");
                identity = UserIdentity.builder(IdentityType.ASSUMED_ROLE)
                        .principalId(roleId + ":" + session.sessionName().orElse(""));
                issuer = new SessionIssuer(IdentityType.ROLE, roleId, roleArn, session.accountId(),
                        roleArn.substring(roleArn.lastIndexOf('/') + 1));
            }
        }
        String provider = session.webIdentityProvider().orElse(null);
        identity.arn(session.principalArn())
                .accountId(session.accountId())
                .accessKeyId(session.accessKeyId())
                .sessionContext(new SessionContext(issuer, provider, null, session.issuedAt(), session.mfaPresent(),
                        session.sourceIdentity().orElse(null)));
        return identity.build();
    }

    private static EventData decision(Decision decision) {
        List<String> statements = new ArrayList<>(decision.statements().size());
        for (DecidingStatement statement : decision.statements()) {
            statements.add(statement.describe());
        }
        return EventData.builder()
                .put("outcome", decision.outcome().name())
                .put("policyType", decision.policyType() == null ? "none" : decision.policyType().id())
                .putStrings("decidingStatements", statements)
                .put("explanation", decision.explanation())
                .build();
    }

    /** A KMS call that no policy allowed but a grant on the key did. */
    private static EventData grantDecision(Decision policies) {
        return EventData.builder()
                .put("outcome", "ALLOW")
                .put("policyType", "kms-grant")
                .putStrings("decidingStatements", List.of())
                .put("explanation", "Allowed by a grant on the key; the policies alone: " + policies.explanation())
                .build();
    }

    private static EventData parameters(Map<String, Object> parameters) {
        EventData.Builder data = EventData.builder();
        parameters.forEach((key, value) -> data.put(key, String.valueOf(value)));
        return data.build();
    }

    /** TLS protocol and cipher of the connection (for HTTP/2 the TLS handler sits on the parent channel). */
    static TlsDetails tls(ServerHttpRequest request, HttpHeaders headers) {
        String host = headers.getFirst(HttpHeaders.HOST);
        host = host == null ? null : truncate(host, 256);
        if (request instanceof AbstractServerHttpRequest abstractRequest
                && abstractRequest.getNativeRequest() instanceof Connection connection) {
            Channel channel = connection.channel();
            while (channel != null) {
                SslHandler ssl = channel.pipeline().get(SslHandler.class);
                if (ssl != null) {
                    SSLSession session = ssl.engine().getSession();
                    return new TlsDetails(session.getProtocol(), session.getCipherSuite(), host);
                }
                channel = channel.parent();
            }
        }
        return new TlsDetails(null, null, host);
    }

    private static String truncate(String value, int max) {
        if (value == null) {
            return "";
        }
        return value.length() > max ? value.substring(0, max) : value;
    }
}
