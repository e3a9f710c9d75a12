package io.mlgate.protocol.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the {@link QueryService} of a query-protocol request from its {@code Action} and {@code Version}, with
 * the errors AWS gives for a request that names no operation ({@code MissingAction}) or one the version does not
 * have ({@code InvalidAction}).
 */
public final class QueryRouter {

    private final List<QueryService> services;

    public QueryRouter(List<QueryService> services) {
        this.services = List.copyOf(services);
    }

    public List<QueryService> services() {
        return services;
    }

    /** The service that serves the request's operation. */
    public QueryService route(QueryParameters parameters) throws QueryException {
        String action = parameters.action();
        if (action == null || action.isEmpty()) {
            throw new QueryException("MissingAction", 400, "The request must contain the parameter Action.");
        }
        String version = parameters.version();
        List<QueryService> candidates = new ArrayList<>(2);
        for (QueryService service : services) {
            if ((version == null || version.equals(service.apiVersion())) && service.operations().contains(action)) {
                candidates.add(service);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.isEmpty()) {
            throw new QueryException("InvalidAction", 400, "Could not find operation "
                    + QueryParameters.printable(action) + " for version "
                    + (version == null ? "NO_VERSION_SPECIFIED" : QueryParameters.printable(version)) + ".");
        }
        throw new QueryException("MissingParameter", 400,
                "The request must contain the parameter Version for the operation " + action + ".");
    }

    /** The XML namespace errors of an unrouted request are written in: its version's service, else the first. */
    public String namespaceFor(String version) {
        for (QueryService service : services) {
            if (service.apiVersion().equals(version)) {
                return service.xmlNamespace();
            }
        }
        return services.isEmpty() ? "https://sts.amazonaws.com/doc/2011-06-15/" : services.get(0).xmlNamespace();
    }

    /** The largest body any routed service accepts. */
    public int maxBodyBytes() {
        int max = 0;
        for (QueryService service : services) {
            max = Math.max(max, service.maxBodyBytes());
        }
        return max == 0 ? 64 * 1024 : max;
    }
}
