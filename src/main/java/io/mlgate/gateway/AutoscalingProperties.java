package io.mlgate.gateway;

import io.mlgate.autoscaling.Autoscaler;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of Application Auto Scaling's scaler ({@code mlgate.autoscaling.*}, docs/autoscaling.md).
 *
 * @param period              how often the scaler measures and decides (default 10s)
 * @param window              the span InvocationsPerInstance is measured over (default 60s)
 * @param activitiesPerTarget scaling activities kept per scalable target (default 100)
 */
@ConfigurationProperties("mlgate.autoscaling")
public record AutoscalingProperties(Duration period, Duration window, Integer activitiesPerTarget) {

    public AutoscalingProperties {
        Autoscaler.Settings d = Autoscaler.Settings.defaults();
        period = period == null ? d.period() : period;
        window = window == null ? d.window() : window;
        activitiesPerTarget = activitiesPerTarget == null ? d.activitiesPerTarget() : activitiesPerTarget;
    }

    Autoscaler.Settings settings() {
        return new Autoscaler.Settings(period, window, activitiesPerTarget);
    }
}
