package io.mlgate.iam.eval;

import java.util.Locale;
import java.util.Set;

/** The condition keys that only the authenticated principal may supply; callers can never set them. */
final class PrincipalKeys {

    static final String PRINCIPAL_ARN = "aws:principalarn";
    static final String PRINCIPAL_ACCOUNT = "aws:principalaccount";
    static final String PRINCIPAL_TYPE = "aws:principaltype";
    static final String PRINCIPAL_ORG_ID = "aws:principalorgid";
    static final String USERNAME = "aws:username";
    static final String USERID = "aws:userid";
    static final String PRINCIPAL_TAG_PREFIX = "aws:principaltag/";
    static final String RESOURCE_TAG_PREFIX = "aws:resourcetag/";
    static final String SAGEMAKER_RESOURCE_TAG_PREFIX = "sagemaker:resourcetag/";
    static final String REQUEST_TAG_PREFIX = "aws:requesttag/";
    static final String TAG_KEYS = "aws:tagkeys";

    private static final Set<String> OWNED = Set.of(PRINCIPAL_ARN, PRINCIPAL_ACCOUNT, PRINCIPAL_TYPE, PRINCIPAL_ORG_ID,
            USERNAME, USERID);

    private PrincipalKeys() {
    }

    /** @param lowerKey a lower-cased key name */
    static boolean owns(String lowerKey) {
        return OWNED.contains(lowerKey) || lowerKey.startsWith(PRINCIPAL_TAG_PREFIX);
    }

    static String lower(String key) {
        return key.toLowerCase(Locale.ROOT);
    }
}
