package io.mlgate.gateway;

import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sagemaker.SageMakerService;

import java.util.ArrayList;
import java.util.Map;

/**
 * The tag condition keys of SageMaker calls, from the control plane's state: {@code aws:RequestTag/K} and
 * {@code aws:TagKeys} for the tags a call asks to set (CreateModel, CreateEndpointConfig, CreateEndpoint,
 * AddTags; for DeleteTags {@code aws:TagKeys} are the keys to remove), and {@code aws:ResourceTag/K} /
 * {@code sagemaker:ResourceTag/K} for the tags the target resource has now (control-plane calls and InvokeEndpoint
 * alike). Nothing is added when no SageMaker control plane runs.
 */
final class SageMakerTagKeys {

    private final SageMakerService service;

    SageMakerTagKeys(SageMakerService service) {
        this.service = service;
    }

    /** Adds the keys for this call, if it is a SageMaker call on a resource the control plane holds. */
    void addTo(GatewayCall call, RequestContext.Builder keys) {
        if (service == null) {
            return;
        }
        ApiCall api = call.apiCall();
        String arn = api.resourceArn();
        if (arn != null && arn.startsWith("arn:aws:sagemaker:")) {
            Map<String, String> resourceTags = service.resourceTags(arn);
            resourceTags.forEach((k, v) -> {
                keys.put("aws:ResourceTag/" + k, v);
                keys.put("sagemaker:ResourceTag/" + k, v);
            });
        }
        if (call.jsonService() != service || call.jsonBody() == null) {
            return;
        }
        try {
            Map<String, String> requested = service.requestTags(api.operation(), call.jsonBody());
            if (!requested.isEmpty()) {
                requested.forEach((k, v) -> keys.put("aws:RequestTag/" + k, v));
                keys.put("aws:TagKeys", new ArrayList<>(requested.keySet()));
            } else if ("DeleteTags".equals(api.operation())) {
                ArrayList<String> removed = new ArrayList<>();
                call.jsonBody().path("TagKeys").forEach(k -> removed.add(k.asString()));
                keys.put("aws:TagKeys", removed);
            }
        } catch (JsonServiceException e) {
            // the target step already validated the body; a request it accepted has well-formed tags
        }
    }
}
