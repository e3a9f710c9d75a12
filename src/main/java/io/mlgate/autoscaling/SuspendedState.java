package io.mlgate.autoscaling;

/**
 * Which scaling of a target is suspended (RegisterScalableTarget's SuspendedState). The scaler honours the two
 * dynamic flags; mlgate has no scheduled actions, so the third is only kept and shown.
 */
public record SuspendedState(boolean dynamicScalingInSuspended, boolean dynamicScalingOutSuspended,
                             boolean scheduledScalingSuspended) {

    public static final SuspendedState NONE = new SuspendedState(false, false, false);

    /** This state with the flags that are given (non-null) replaced, as RegisterScalableTarget updates it. */
    public SuspendedState with(Boolean in, Boolean out, Boolean scheduled) {
        return new SuspendedState(in == null ? dynamicScalingInSuspended : in,
                out == null ? dynamicScalingOutSuspended : out,
                scheduled == null ? scheduledScalingSuspended : scheduled);
    }
}
