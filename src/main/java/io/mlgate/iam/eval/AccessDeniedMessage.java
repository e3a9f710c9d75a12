package io.mlgate.iam.eval;

/**
 * Renders AWS's AccessDenied message text for a denied request, e.g. {@code User: arn:aws:iam::123456789012:user/x
 * is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:... because no identity-based policy
 * allows the sagemaker:InvokeEndpoint action}.
 */
public final class AccessDeniedMessage {

    private AccessDeniedMessage() {
    }

    /**
     * @throws IllegalArgumentException if the decision is ALLOW
     */
    public static String render(AuthorizationRequest request, Decision decision) {
        String head = "User: " + request.principal().arn() + " is not authorized to perform: " + request.action()
                + " on resource: " + request.resource();
        switch (decision.outcome()) {
            case EXPLICIT_DENY:
                return head + " with an explicit deny in an identity-based policy";
            case IMPLICIT_DENY:
                return head + " because no identity-based policy allows the " + request.action() + " action";
            default:
                throw new IllegalArgumentException("the request was allowed; there is no AccessDenied message");
        }
    }
}
