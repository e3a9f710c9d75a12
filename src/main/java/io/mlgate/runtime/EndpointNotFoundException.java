package io.mlgate.runtime;

/** No endpoint of the given name exists in the account; worded like SageMaker's own ValidationError for it. */
public final class EndpointNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String endpointName;
    private final String accountId;

    public EndpointNotFoundException(String endpointName, String accountId) {
        super("Endpoint " + endpointName + " of account " + accountId + " not found.");
        this.endpointName = endpointName;
        this.accountId = accountId;
    }

    public String endpointName() {
        return endpointName;
    }

    public String accountId() {
        return accountId;
    }
}
