package io.mlgate.vpc;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where a call came from, as IAM sees it. Through a VPC endpoint: aws:SourceVpce (the endpoint), aws:SourceVpc and
 * aws:VpcSourceIp (the caller's private address), and, as in AWS, no aws:SourceIp. Any other way: aws:SourceIp only.
 *
 * @param sourceIp the caller's address (dotted quad, or the JDK's text for an IPv6 peer)
 * @param vpcId    the VPC the call came from through the endpoint, or {@code null}
 * @param vpceId   the VPC endpoint the call came through, or {@code null}
 */
public record NetworkSource(String sourceIp, String vpcId, String vpceId) {

    public NetworkSource {
        Objects.requireNonNull(sourceIp, "sourceIp");
        if ((vpcId == null) != (vpceId == null)) {
            throw new IllegalArgumentException("aws:SourceVpc and aws:SourceVpce come together");
        }
    }

    /** A call that did not come through a VPC endpoint. */
    public static NetworkSource direct(String sourceIp) {
        return new NetworkSource(sourceIp, null, null);
    }

    public boolean viaEndpoint() {
        return vpceId != null;
    }

    public Optional<String> endpointId() {
        return Optional.ofNullable(vpceId);
    }

    /** Gives each condition key of this source to {@code put} (key, value). */
    public void conditionKeys(BiConsumer<String, String> put) {
        if (vpceId != null) {
            put.accept("aws:SourceVpce", vpceId);
            put.accept("aws:SourceVpc", vpcId);
            put.accept("aws:VpcSourceIp", sourceIp);
        } else {
            put.accept("aws:SourceIp", sourceIp);
        }
    }
}
