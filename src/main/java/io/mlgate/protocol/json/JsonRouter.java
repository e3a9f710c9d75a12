package io.mlgate.protocol.json;

import java.util.List;

/**
 * Picks the {@link JsonService} of a request from its {@code X-Amz-Target} ({@code <prefix><Operation>}). Several
 * services may share a prefix (the SageMaker control plane is split by resource family) as long as their operations
 * differ: the first service with the prefix that serves the operation gets it.
 */
public final class JsonRouter {

    /** A routed target: the service and the operation name. */
    public record Route(JsonService service, String operation) {}

    private final List<JsonService> services;

    public JsonRouter(List<JsonService> services) {
        this.services = List.copyOf(services);
    }

    /** The service and operation of a target header, or null when no service serves it. */
    public Route route(String target) {
        if (target == null) {
            return null;
        }
        for (JsonService service : services) {
            String prefix = service.api().targetPrefix();
            if (target.startsWith(prefix)) {
                String operation = target.substring(prefix.length());
                if (service.operations().contains(operation)) {
                    return new Route(service, operation);
                }
            }
        }
        return null;
    }
}
