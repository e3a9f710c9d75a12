package io.mlgate.iam.eval;

/**
 * Renders AWS's enhanced AccessDenied message text for a denied request, naming the policy type that denied, e.g.
 * {@code User: arn:aws:iam::123456789012:user/x is not authorized to perform: sagemaker:InvokeEndpoint on resource:
 * arn:... because no identity-based policy allows the sagemaker:InvokeEndpoint action} or {@code ... with an explicit
 * deny in a service control policy}.
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
                return head + " with an explicit deny in " + decision.policyType().withArticle();
            case IMPLICIT_DENY:
                return head + " because no " + decision.policyType().phrase() + " allows the " + request.action() + " action";
            default:
                throw new IllegalArgumentException("the request was allowed; there is no AccessDenied message");
        }
    }
}
