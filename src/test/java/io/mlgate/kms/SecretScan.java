package io.mlgate.kms;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/** Test support: does a text contain a secret in any common rendering (raw, hex, Base64, Base64url)? */
public final class SecretScan {

    private SecretScan() {
    }

    public static boolean containsAny(String text, byte[] secret) {
        if (text == null) {
            return false;
        }
        String lower = text.toLowerCase();
        String hex = HexFormat.of().formatHex(secret);
        String b64 = Base64.getEncoder().withoutPadding().encodeToString(secret);
        String b64url = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String raw = new String(secret, StandardCharsets.ISO_8859_1);
        return lower.contains(hex) || text.contains(b64) || text.contains(b64url)
                || (secret.length >= 8 && text.contains(raw))
                || text.contains(java.util.Arrays.toString(secret));
    }
}
