package io.mlgate.iam.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;

/**
 * One entry of SimulatePrincipalPolicy's PolicyExclusionList: attached policies to leave out of the simulation, by
 * policy type, by managed policy ARN (the name part may hold one {@code *} and any {@code ?}), or by inline policy
 * name and the type and name (wildcards allowed) of the entity it is embedded in.
 */
record PolicyExclusion(String policyType, Pattern policyArn, String policyName, String attachmentType,
        Pattern attachmentName) {

    static final int MAX_ENTRIES = 256;

    /** Reads and checks the list; an identifier that is not exactly one of the three forms is InvalidInput. */
    static List<PolicyExclusion> read(QueryParameters p) throws QueryException {
        List<QueryParameters> entries = p.structures("PolicyExclusionList");
        if (entries.size() > MAX_ENTRIES) {
            throw QueryException.validation("1 validation error detected: Value at 'policyExclusionList' failed to "
                    + "satisfy constraint: Member must have length less than or equal to " + MAX_ENTRIES);
        }
        List<PolicyExclusion> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            out.add(entry(entries.get(i), i + 1));
        }
        return out;
    }

    private static PolicyExclusion entry(QueryParameters e, int n) throws QueryException {
        String member = "policyExclusionList." + n + ".member.";
        String type = e.get("PolicyType");
        String arn = e.get("PolicyArn");
        QueryParameters inline = e.under("InlinePolicyIdentifier");
        int forms = (type != null ? 1 : 0) + (arn != null ? 1 : 0) + (inline.size() > 0 ? 1 : 0);
        if (type != null && !SimulationRequestReader.EXCLUSION_POLICY_TYPES.contains(type)) {
            throw QueryException.constraint(member + "policyType", type, "Member must satisfy enum value set: ["
                    + String.join(", ", SimulationRequestReader.EXCLUSION_POLICY_TYPES) + "]");
        }
        if (arn != null && (arn.length() < 20 || arn.length() > 2048)) {
            throw QueryException.constraint(member + "policyArn", arn, arn.length() < 20
                    ? "Member must have length greater than or equal to 20"
                    : "Member must have length less than or equal to 2048");
        }
        if (forms != 1) {
            throw SimulationRequestReader.invalid("PolicyExclusionList." + n + " must give exactly one of PolicyType, "
                    + "PolicyArn and InlinePolicyIdentifier, not " + forms + ".");
        }
        if (type != null) {
            return new PolicyExclusion(type, null, null, null, null);
        }
        if (arn != null) {
            return new PolicyExclusion(null, arnPattern(arn, n), null, null, null);
        }
        String im = member + "inlinePolicyIdentifier.";
        String name = inline.required("PolicyName", im + "policyName");
        if (!SimulationRequestReader.validName(name, false)) {
            throw QueryException.constraint(im + "policyName", name,
                    "Member must satisfy regular expression pattern: [\\w+=,.@-]+ of length 1 to 128");
        }
        String attachmentType = inline.required("AttachmentType", im + "attachmentType");
        if (!List.of("user", "group", "role").contains(attachmentType)) {
            throw QueryException.constraint(im + "attachmentType", attachmentType,
                    "Member must satisfy enum value set: [user, group, role]");
        }
        String attachmentName = inline.required("AttachmentName", im + "attachmentName");
        if (!SimulationRequestReader.validName(attachmentName, true)) {
            throw QueryException.constraint(im + "attachmentName", attachmentName,
                    "Member must satisfy regular expression pattern: [\\w+=,.@-]+ (with * and ?) of length 1 to 128");
        }
        if (attachmentName.indexOf('*') != attachmentName.lastIndexOf('*')) {
            throw SimulationRequestReader.invalid("PolicyExclusionList." + n
                    + ".InlinePolicyIdentifier.AttachmentName may use at most one *.");
        }
        return new PolicyExclusion(null, null, name, attachmentType, wildcard(attachmentName));
    }

    /** {@code arn:PARTITION:iam::(ACCOUNT|aws):policy/PATH/NAME}, wildcards only after {@code policy/}. */
    private static Pattern arnPattern(String arn, int n) throws QueryException {
        String[] parts = arn.split(":", 6);
        boolean ok = parts.length == 6 && parts[0].equals("arn") && parts[1].matches("[a-z][a-z0-9-]*")
                && parts[2].equals("iam") && parts[3].isEmpty()
                && (parts[4].equals("aws") || parts[4].matches("[0-9]{12}"))
                && parts[5].startsWith("policy/") && parts[5].length() > "policy/".length();
        String name = ok ? parts[5].substring("policy/".length()) : "";
        if (!ok || name.indexOf('*') != name.lastIndexOf('*') || !name.matches("[\\x21-\\x7e]+")) {
            throw SimulationRequestReader.invalid("PolicyExclusionList." + n + ".PolicyArn '" + PrintableText.of(arn)
                    + "' is not a managed policy ARN (wildcards: at most one * and any ?, in the name part only).");
        }
        return Pattern.compile(Pattern.quote(arn.substring(0, arn.length() - name.length())) + wildcard(name).pattern());
    }

    private static Pattern wildcard(String text) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }

    /** Whether any exclusion removes this attached (configured) identity-based policy. */
    static boolean excludes(List<PolicyExclusion> exclusions, IdentityPolicy p) {
        for (PolicyExclusion x : exclusions) {
            if (x.matches(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the principal's attached permissions boundary is excluded (PolicyType permission-boundary). */
    static boolean excludesBoundary(List<PolicyExclusion> exclusions) {
        for (PolicyExclusion x : exclusions) {
            if ("permission-boundary".equals(x.policyType)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(IdentityPolicy p) {
        if (policyType != null) {
            return switch (policyType) {
                case "inline" -> !p.isManaged();
                case "aws-managed" -> p.isManaged() && SimulatedPolicy.isAwsManaged(p.arn());
                case "user-managed" -> p.isManaged() && !SimulatedPolicy.isAwsManaged(p.arn());
                default -> false; // permission-boundary is handled apart; scp and rcp do not apply to principals here
            };
        }
        if (policyArn != null) {
            return p.isManaged() && policyArn.matcher(p.arn()).matches();
        }
        if (p.isManaged() || !p.name().equals(policyName)) {
            return false;
        }
        SimulationRequestReader.EntityArn owner = SimulationRequestReader.entityArn(p.attachedTo());
        return owner != null && owner.kind().equals(attachmentType) && attachmentName.matcher(owner.name()).matches();
    }
}
