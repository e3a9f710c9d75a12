package io.mlgate.gateway;

import io.mlgate.iam.eval.RequestContext;
import io.mlgate.sts.SessionPrincipals;
import org.springframework.web.server.ServerWebExchange;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * The condition keys the gateway sets for every request, from facts it has verified itself: aws:SourceIp (the TCP
 * peer) or, for a call through a simulated VPC endpoint, aws:SourceVpce / aws:SourceVpc / aws:VpcSourceIp (the
 * {@link io.mlgate.vpc.NetworkSource} on the call), aws:SecureTransport, aws:CurrentTime, aws:EpochTime, aws:RequestedRegion, and for temporary credentials
 * the session's keys (aws:MultiFactorAuthPresent/Age, aws:TokenIssueTime, sts:SourceIdentity, ...). Principal keys
 * are derived by the evaluator from the principal, never taken from the request.
 */
final class RequestContexts {

    private final String region;
    private final RequestTime time;

    RequestContexts(String region, RequestTime time) {
        this.region = region;
        this.time = time;
    }

    RequestContext.Builder of(ServerWebExchange exchange, Caller caller) {
        RequestTime.Second now = time.now();
        RequestContext.Builder keys = RequestContext.builder()
                .put("aws:SecureTransport", exchange.getRequest().getSslInfo() != null ? "true" : "false")
                .put("aws:CurrentTime", now.iso())
                .put("aws:EpochTime", now.epoch())
                .put("aws:RequestedRegion", region);
        GatewayCall call = GatewayCall.find(exchange);
        if (call != null && call.networkSource() != null) {
            // through a VPC endpoint: aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp and no aws:SourceIp [GKEYS]
            call.networkSource().conditionKeys(keys::put);
        } else {
            InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
            if (remote != null && remote.getAddress() != null) {
                keys.put("aws:SourceIp", remote.getAddress().getHostAddress());
            }
        }
        if (caller != null && caller.session() != null) {
            SessionPrincipals.addRequestKeys(caller.session(), Instant.ofEpochSecond(now.epochSecond()), keys);
        }
        return keys;
    }
}
