package io.mlgate.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The endpoints of one account by name; thread-safe. Replacing or removing an endpoint hands the old one back to
 * the caller, who decides when to close it.
 */
public final class EndpointRegistry {
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

    private final String accountId;
    private final ConcurrentMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, EndpointUnavailableException> unavailable = new ConcurrentHashMap<>();

    public EndpointRegistry(String accountId) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("account id must be 12 digits");
        }
        this.accountId = accountId;
    }

    /** The account whose endpoints this registry holds. */
    public String accountId() {
        return accountId;
    }

    /**
     * Adds or replaces an endpoint; returns the endpoint it replaced.
     *
     * @throws IllegalArgumentException if the endpoint belongs to another account
     */
    public Optional<Endpoint> register(Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!endpoint.accountId().equals(accountId)) {
            throw new IllegalArgumentException("endpoint " + endpoint.name() + " belongs to account "
                    + endpoint.accountId() + ", not " + accountId);
        }
        Optional<Endpoint> previous = Optional.ofNullable(endpoints.put(endpoint.name(), endpoint));
        unavailable.remove(endpoint.name());
        return previous;
    }

    /**
     * Takes the endpoint {@code reason.endpointName()} out of service: calls to it fail with {@code reason} until an
     * endpoint of that name is registered again. Returns the endpoint it removed, for the caller to close.
     */
    public Optional<Endpoint> markUnavailable(EndpointUnavailableException reason) {
        Objects.requireNonNull(reason, "reason");
        unavailable.put(reason.endpointName(), reason);
        return Optional.ofNullable(endpoints.remove(reason.endpointName()));
    }

    /** Why the endpoint of that name is out of service, if it is. */
    public Optional<EndpointUnavailableException> unavailability(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(unavailable.get(name));
    }

    /** The endpoint of that name, if registered. */
    public Optional<Endpoint> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(endpoints.get(name));
    }

    /**
     * The endpoint of that name.
     *
     * @throws EndpointNotFoundException if there is none
     * @throws EndpointUnavailableException if it is out of service because its model key is refused
     */
    public Endpoint require(String name) {
        Endpoint endpoint = name == null ? null : endpoints.get(name);
        if (endpoint == null) {
            EndpointUnavailableException reason = name == null ? null : unavailable.get(name);
            if (reason != null) {
                throw reason.copy();
            }
            throw new EndpointNotFoundException(name, accountId);
        }
        return endpoint;
    }

    /** Removes and returns the endpoint of that name (and forgets why it was out of service, if it was). */
    public Optional<Endpoint> remove(String name) {
        if (name == null) {
            return Optional.empty();
        }
        unavailable.remove(name);
        return Optional.ofNullable(endpoints.remove(name));
    }

    /** Names of the registered endpoints, sorted. */
    public List<String> names() {
        return endpoints.keySet().stream().sorted().toList();
    }
}
