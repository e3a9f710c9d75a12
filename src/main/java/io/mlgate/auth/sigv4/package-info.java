/**
 * AWS Signature Version 4 core: {@link io.mlgate.auth.sigv4.SigV4Verifier} checks header-signed and presigned
 * requests described by a transport-neutral {@link io.mlgate.auth.sigv4.SignedRequest};
 * {@link io.mlgate.auth.sigv4.SigV4Signer} produces such signatures. Plain Java, no Spring or Netty.
 *
 * <p>Gateway use: build one verifier at start-up, then per request (after buffering and hashing the body)
 * <pre>{@code
 * SigV4Verifier verifier = new SigV4Verifier(
 *         SigV4Policy.builder().allowedRegions(Set.of("us-east-1")).build(),
 *         (accessKeyId, sessionToken) -> keyStore.find(accessKeyId)
 *                 .map(k -> SigningSecret.of(k.secretChars(), k.principal())));
 *
 * SignedRequest req = SignedRequest.builder()
 *         .method(request.method().name())
 *         .rawPath(uri.getRawPath())              // never a decoded or normalised path
 *         .rawQuery(uri.getRawQuery())
 *         .header(name, value)                    // every header, once per occurrence; HTTP/2: ":authority" as "host"
 *         .payloadSha256Hex(bodySha256Hex)
 *         .build();
 * try {
 *     VerifiedSignature v = verifier.verify(req, "sagemaker");
 *     Principal p = v.owner(Principal.class);    // then validate v.securityToken() if present
 * } catch (SigV4Exception e) {
 *     // map e.failure() to the protocol's error code; e.getMessage() is safe to return
 * }
 * }</pre>
 */
package io.mlgate.auth.sigv4;
