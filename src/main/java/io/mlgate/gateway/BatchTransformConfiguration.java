package io.mlgate.gateway;

import io.mlgate.kms.api.KmsService;
import io.mlgate.runtime.EmbeddedTransformModels;
import io.mlgate.runtime.ExecutionRole;
import io.mlgate.runtime.ExecutionRoleKeys;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.sagemaker.SageMakerModels;
import io.mlgate.sagemaker.SageMakerState;
import io.mlgate.sagemaker.transform.BatchBucket;
import io.mlgate.sagemaker.transform.TransformEngine;
import io.mlgate.sagemaker.transform.TransformJobService;
import io.mlgate.sagemaker.transform.TransformJobState;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.Clock;

/**
 * SageMaker batch transform ({@code SageMaker.*TransformJob*}, docs/batch-transform.md): jobs persisted in
 * {@code data/sagemaker/transform-jobs.json}, reading and writing {@code s3://mlgate-batch/} = {@code data/batch/},
 * run by a {@link TransformEngine} on the control plane's models (decrypted as their execution roles). Jobs left
 * InProgress by a stop or crash resume at start. The service is a {@code JsonService} bean, so the JSON router picks
 * it up beside the hosting control plane.
 */
@Configuration(proxyBeanMethods = false)
public class BatchTransformConfiguration {

    /** Resumes interrupted jobs at start; closing leaves running jobs InProgress for the next start. */
    @Bean(destroyMethod = "close")
    TransformEngine transformEngine(GatewayProperties properties, SageMakerState sageMaker, UploadedModels uploads,
                                    KmsService kms, PrincipalDirectory principals, Clock clock) throws IOException {
        EmbeddedTransformModels models = new EmbeddedTransformModels(SageMakerModels.of(sageMaker), uploads,
                roleArn -> new ExecutionRoleKeys(kms, new ExecutionRole(roleArn, principals::configuration)));
        return new TransformEngine(TransformJobState.open(properties.dataDir()),
                BatchBucket.open(properties.dataDir()), models, clock, TransformEngine.Settings.defaults()).start();
    }

    @Bean
    TransformJobService transformJobService(TransformEngine engine, GatewayProperties properties, Clock clock) {
        return new TransformJobService(engine, clock, properties.region(), TransformJobService.DEFAULT_MAX_ACTIVE_JOBS);
    }
}
