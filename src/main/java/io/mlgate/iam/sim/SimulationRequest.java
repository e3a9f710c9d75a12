package io.mlgate.iam.sim;

import java.util.List;
import java.util.Map;

import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;

/**
 * A validated SimulateCustomPolicy or SimulatePrincipalPolicy call: the actions of this page, the resources, the
 * caller and its policies, the resource policy and owner, the request context, the organization levels of service
 * control policies, and where each policy came from.
 *
 * @param actions           every action named, in request order
 * @param resources         the resource ARNs, or {@code ["*"]}
 * @param specificResources whether ResourceArns named resources (results then carry ResourceSpecificResults)
 * @param callerKnown       whether the caller's account is known, so resources of other accounts are cross-account
 * @param resourceOwner     the account owning resources whose ARN names none (ResourceOwner), or {@code null}
 * @param scpLevels         service control policies, one list per organization level (root first); empty: none
 * @param sources           each policy of the simulation to its wire identity (by object identity)
 * @param offset            the first action of this page
 * @param fingerprint       identifies the call's parameters (except paging) inside markers
 */
record SimulationRequest(List<String> actions, List<String> resources, boolean specificResources,
        SimulatedCaller caller, boolean callerKnown, IdentityPolicy resourcePolicy, String resourceOwner,
        RequestContext context, List<List<IdentityPolicy>> scpLevels, Map<IdentityPolicy, SimulatedPolicy> sources,
        int maxItems, int offset, String fingerprint) {
}
