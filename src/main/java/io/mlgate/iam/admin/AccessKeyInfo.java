package io.mlgate.iam.admin;

import java.time.Instant;

import io.mlgate.credentials.AccessKeyStatus;

/** What ListAccessKeys shows of one access key: owner name, key id, status and creation date; never the secret. */
public record AccessKeyInfo(String userName, String accessKeyId, AccessKeyStatus status, Instant createDate) {
}
