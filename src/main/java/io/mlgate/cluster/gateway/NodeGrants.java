package io.mlgate.cluster.gateway;

import java.util.Map;

/**
 * KMS grants that let a node decrypt a placed model's data key: created as the variant's execution role when the
 * variant is placed on the node, retired when the placement is removed.
 */
public interface NodeGrants {

    /**
     * CreateGrant on {@code keyId} as {@code roleArn}: grantee the node's principal ({@link NodePrincipals}),
     * operations [Decrypt], constraint EncryptionContextEquals {@code context}, retiring principal the role.
     *
     * @return the grant id
     * @throws GrantException with the KMS error code if KMS refuses
     */
    String create(String roleArn, String node, String keyId, Map<String, String> context);

    /** RetireGrant as {@code roleArn}; a grant that is already gone is fine. */
    void retire(String roleArn, String keyId, String grantId);

    /** KMS refused a grant operation. */
    final class GrantException extends RuntimeException {
        private final String code;

        public GrantException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
