package io.mlgate.iam.config;

import io.mlgate.iam.policy.IdentityPolicy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The organization the configured accounts belong to (policies/organization.json): its id (aws:PrincipalOrgID,
 * aws:ResourceOrgID), its management account (which guardrails never restrict, as in AWS Organizations), its
 * member accounts, and the organization guardrails: service control policies (SCPs: limit what principals of an
 * account may do) and resource control policies (RCPs: limit what may be done to resources of an account), each
 * attached to accounts.
 *
 * @param id                  organization id, {@code o-} + 10..32 of a-z0-9
 * @param managementAccountId the management account (exempt from SCPs and RCPs)
 * @param memberAccounts      the accounts in the organization (the management account included)
 * @param scpsByAccount       account id → the SCPs attached to it (only accounts with at least one)
 * @param rcpsByAccount       account id → the RCPs attached to it
 */
public record Organization(String id, String managementAccountId, Set<String> memberAccounts,
                           Map<String, List<IdentityPolicy>> scpsByAccount,
                           Map<String, List<IdentityPolicy>> rcpsByAccount) {

    public Organization {
        memberAccounts = Set.copyOf(memberAccounts);
        scpsByAccount = Map.copyOf(scpsByAccount);
        rcpsByAccount = Map.copyOf(rcpsByAccount);
    }

    public boolean contains(String accountId) {
        return memberAccounts.contains(accountId);
    }

    /**
     * The SCPs that restrict principals of {@code accountId}: none for the management account or accounts outside
     * the organization; none also means "no guardrail" (AWS's FullAWSAccess).
     */
    public List<IdentityPolicy> serviceControlPolicies(String accountId) {
        if (accountId.equals(managementAccountId) || !contains(accountId)) {
            return List.of();
        }
        return scpsByAccount.getOrDefault(accountId, List.of());
    }

    /** The RCPs that restrict resources of {@code accountId} (none for the management account). */
    public List<IdentityPolicy> resourceControlPolicies(String accountId) {
        if (accountId.equals(managementAccountId) || !contains(accountId)) {
            return List.of();
        }
        return rcpsByAccount.getOrDefault(accountId, List.of());
    }
}
