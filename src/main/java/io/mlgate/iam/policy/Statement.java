package io.mlgate.iam.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mlgate.iam.json.SourcePosition;

/**
 * One statement of a policy document, compiled for evaluation: Effect, Action or NotAction, Resource or NotResource,
 * an optional Principal/NotPrincipal and the Condition block.
 */
public final class Statement {

    private final String sid;
    private final int index;
    private final Effect effect;
    private final boolean notAction;
    private final ActionPattern[] actions;
    private final boolean notResource;
    private final ResourcePattern[] resources; // empty: no Resource element (trust policies)
    private final PrincipalSpec principal;
    private final Condition condition;
    private final SourcePosition position;

    Statement(String sid, int index, Effect effect, boolean notAction, List<ActionPattern> actions, boolean notResource,
            List<ResourcePattern> resources, PrincipalSpec principal, Condition condition, SourcePosition position) {
        this.sid = sid;
        this.index = index;
        this.effect = effect;
        this.notAction = notAction;
        this.actions = actions.toArray(new ActionPattern[0]);
        this.notResource = notResource;
        this.resources = resources.toArray(new ResourcePattern[0]);
        this.principal = principal;
        this.condition = condition;
        this.position = position;
    }

    public Optional<String> sid() {
        return Optional.ofNullable(sid);
    }

    /** Position of this statement in its policy's Statement list, from 0. */
    public int index() {
        return index;
    }

    public Effect effect() {
        return effect;
    }

    /** True if the statement uses NotAction rather than Action. */
    public boolean isNotAction() {
        return notAction;
    }

    public List<ActionPattern> actions() {
        return List.of(actions);
    }

    /** True if the statement uses NotResource rather than Resource. */
    public boolean isNotResource() {
        return notResource;
    }

    /** Resource or NotResource patterns; empty when the statement has neither (trust policies). */
    public List<ResourcePattern> resources() {
        return List.of(resources);
    }

    public Optional<PrincipalSpec> principal() {
        return Optional.ofNullable(principal);
    }

    public Condition condition() {
        return condition;
    }

    /** Where the statement starts in its source. */
    public SourcePosition position() {
        return position;
    }

    /**
     * Whether this statement applies to the request: the action matches Action (or no NotAction entry), the resource
     * matches Resource (or no NotResource entry), and the condition holds. Principal is not checked here.
     *
     * @param lowerCaseAction the action lower-cased with {@link java.util.Locale#ROOT}
     */
    public boolean applies(String lowerCaseAction, String resourceArn, ConditionKeys keys) {
        return matchesAction(lowerCaseAction) && matchesResource(resourceArn, keys) && condition.matches(keys);
    }

    public boolean matchesAction(String lowerCaseAction) {
        boolean any = false;
        for (ActionPattern a : actions) {
            if (a.matches(lowerCaseAction)) {
                any = true;
                break;
            }
        }
        return any != notAction;
    }

    public boolean matchesResource(String resourceArn, ConditionKeys keys) {
        if (resources.length == 0) {
            return true;
        }
        boolean any = false;
        for (ResourcePattern r : resources) {
            if (r.matches(resourceArn, keys)) {
                any = true;
                break;
            }
        }
        return any != notResource;
    }

    /** A short label for messages: the Sid if any, else the statement index. */
    public String label() {
        return sid != null ? "Sid '" + sid + "'" : "statement #" + index;
    }

    @Override
    public String toString() {
        List<String> a = new ArrayList<>();
        for (ActionPattern p : actions) {
            a.add(p.text());
        }
        return effect.awsName() + " " + (notAction ? "NotAction" : "Action") + a + " (" + label() + ")";
    }
}
