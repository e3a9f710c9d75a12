package io.mlgate.protocol.query;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;

import java.util.Set;

/**
 * One AWS service spoken in the query protocol (IAM, STS). The gateway routes a request to the service whose
 * {@link #apiVersion()} matches the request's {@code Version} and that serves its {@code Action}; it checks the
 * SigV4 credential scope against {@link #signingName()}, asks {@link #target} what the call acts on, authorizes
 * that with IAM, and only then calls {@link #invoke}. Implementations are plain Java; {@code invoke} may block
 * (file writes), so the gateway never calls it on an event-loop thread.
 */
public interface QueryService {

    /** The API this service belongs to (signing name, version, namespace, event source). */
    QueryApi api();

    /** SigV4 signing name and IAM action prefix, e.g. {@code iam}. */
    default String signingName() {
        return api().signingName();
    }

    /** The {@code Version} parameter this service answers, e.g. {@code 2010-05-08}. */
    default String apiVersion() {
        return api().apiVersion();
    }

    /** The XML namespace of responses and errors, e.g. {@code https://iam.amazonaws.com/doc/2010-05-08/}. */
    default String xmlNamespace() {
        return api().xmlNamespace();
    }

    /** CloudTrail eventSource, e.g. {@code iam.amazonaws.com}. */
    default String eventSource() {
        return api().eventSource();
    }

    /** The operations (Action values) served. */
    Set<String> operations();

    /** The largest request body accepted for an operation of this service, in bytes. */
    default int maxBodyBytes() {
        return 256 * 1024;
    }

    /**
     * What the call acts on, for authorization and audit. Validates the parameters the target depends on and
     * throws {@link QueryException} (e.g. {@code ValidationError}) for invalid input.
     *
     * @param accountId the account of the caller (IAM entities live in the caller's account)
     * @param caller    the authenticated caller
     */
    QueryTarget target(String operation, QueryParameters parameters, String accountId, PrincipalContext caller)
            throws QueryException;

    /**
     * Performs an authorized call, writing the content of the {@code <OpResult>} element; writing nothing means
     * the operation has no result element (e.g. {@code DeleteUser}).
     */
    void invoke(String operation, QueryParameters parameters, PrincipalContext caller, XmlWriter result)
            throws QueryException;

    /**
     * Like {@link #invoke(String, QueryParameters, PrincipalContext, XmlWriter)}, with the request's condition keys
     * as the gateway built them (aws:SourceIp, aws:SecureTransport, times, session keys), for services that make
     * their own authorization decisions. The default ignores the context.
     */
    default void invoke(String operation, QueryParameters parameters, PrincipalContext caller,
                        RequestContext context, XmlWriter result) throws QueryException {
        invoke(operation, parameters, caller, result);
    }

    /** False for operations clients send unsigned (STS AssumeRoleWithWebIdentity); their caller is null. */
    default boolean requiresSignature(String operation) {
        return true;
    }

    /**
     * True for operations whose whole IAM decision the service makes itself in {@code invoke} (e.g. AssumeRole:
     * identity policies and the role's trust policy together); the gateway then does not evaluate the target.
     */
    default boolean authorizesInternally(String operation) {
        return false;
    }
}
