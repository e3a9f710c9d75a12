/**
 * Clients of a running gateway for the command-line tools: {@link io.mlgate.client.KmsClient} calls the gateway's
 * KMS over HTTPS (AWS JSON 1.1, SigV4-signed with the caller's credentials), e.g. to unwrap the data keys of
 * encrypted capture files for {@code ./mlgate capture read} and {@code ./mlgate ab report}.
 */
package io.mlgate.client;
