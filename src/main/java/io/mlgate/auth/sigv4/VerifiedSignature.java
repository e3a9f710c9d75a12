package io.mlgate.auth.sigv4;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The facts established by a successful SigV4 verification: who signed (access key id and the owner object from the
 * {@link SecretLookup}), for which scope, when, which headers were covered, and the session token if one was sent.
 */
public final class VerifiedSignature {

    private final String accessKeyId;
    private final String region;
    private final String service;
    private final LocalDate signingDate;
    private final Instant requestTime;
    private final List<String> signedHeaders;
    private final Object owner;
    private final String securityToken;
    private final boolean presigned;
    private final Instant expiresAt;

    VerifiedSignature(String accessKeyId, String region, String service, LocalDate signingDate, Instant requestTime,
                      List<String> signedHeaders, Object owner, String securityToken, boolean presigned,
                      Instant expiresAt) {
        this.accessKeyId = accessKeyId;
        this.region = region;
        this.service = service;
        this.signingDate = signingDate;
        this.requestTime = requestTime;
        this.signedHeaders = List.copyOf(signedHeaders);
        this.owner = owner;
        this.securityToken = securityToken;
        this.presigned = presigned;
        this.expiresAt = expiresAt;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String region() {
        return region;
    }

    public String service() {
        return service;
    }

    /** The date of the credential scope (UTC day). */
    public LocalDate signingDate() {
        return signingDate;
    }

    /** The signed request time (X-Amz-Date, or the Date header when X-Amz-Date was absent). */
    public Instant requestTime() {
        return requestTime;
    }

    /** The lowercase header names covered by the signature, sorted. */
    public List<String> signedHeaders() {
        return signedHeaders;
    }

    /** The owner object of the {@link SigningSecret} that verified the signature. */
    public Object owner() {
        return owner;
    }

    /** The owner cast to the type the caller's {@link SecretLookup} put there. */
    public <T> T owner(Class<T> type) {
        return type.cast(owner);
    }

    /** The session token (X-Amz-Security-Token), which the caller must still validate against the key. */
    public Optional<String> securityToken() {
        return Optional.ofNullable(securityToken);
    }

    /** True for query-string (presigned URL) authentication. */
    public boolean presigned() {
        return presigned;
    }

    /** For presigned URLs the end of validity (X-Amz-Date + X-Amz-Expires); empty for header authentication. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    @Override
    public String toString() {
        return "VerifiedSignature[accessKeyId=" + accessKeyId + ", scope=" + signingDate + '/' + region + '/' + service
                + ", presigned=" + presigned + ", token=" + (securityToken == null ? "none" : "present") + ']';
    }
}
