/**
 * Application Auto Scaling for SageMaker endpoint variants ({@code AnyScaleFrontendService.<Operation>}, JSON 1.1):
 * scalable targets, target-tracking scaling policies on {@code SageMakerVariantInvocationsPerInstance} and scaling
 * activities ({@link io.mlgate.autoscaling.AutoscalingService}), persisted in {@code data/autoscaling/state.json}
 * ({@link io.mlgate.autoscaling.AutoscalingState}), and the scaler that measures each variant's invocations per
 * instance and changes its DesiredInstanceCount through the SageMaker control plane
 * ({@link io.mlgate.autoscaling.Autoscaler}, the rule in {@link io.mlgate.autoscaling.TargetTrackingRule}). Plain
 * Java: no Spring, no Netty. See docs/autoscaling.md.
 */
package io.mlgate.autoscaling;
