package io.mlgate.gateway;

import io.mlgate.iam.config.Account;
import io.mlgate.iam.config.IamConfiguration;

import java.util.Collection;

/**
 * The account whose endpoints this gateway hosts (it owns the resources in ARNs such as
 * {@code arn:aws:sagemaker:us-east-1:<account>:endpoint/iris}): the single account in policies/accounts.json, or
 * the one named by the {@code MLGATE_ACCOUNT_ID} environment variable when there are several.
 */
public record HostingAccount(String id) {

    static HostingAccount of(IamConfiguration iam) {
        Collection<Account> accounts = iam.accounts();
        String chosen = System.getenv("MLGATE_ACCOUNT_ID");
        if (chosen != null && !chosen.isBlank()) {
            if (iam.account(chosen).isEmpty()) {
                throw new IllegalStateException("MLGATE_ACCOUNT_ID " + chosen + " is not in policies/accounts.json");
            }
            return new HostingAccount(chosen);
        }
        if (accounts.size() != 1) {
            throw new IllegalStateException("policies/accounts.json declares " + accounts.size()
                    + " accounts; set MLGATE_ACCOUNT_ID to the one whose endpoints this gateway hosts");
        }
        return new HostingAccount(accounts.iterator().next().id());
    }
}
