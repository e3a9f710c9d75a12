/**
 * A/B evaluation of captured predictions ({@code ./mlgate ab report}, docs/ab-testing.md): reads an endpoint's data
 * capture files ({@link io.mlgate.abtest.CaptureReader}), joins each captured prediction with its ground-truth label
 * by inference id ({@link io.mlgate.abtest.GroundTruth}) and computes per production variant the accuracy, macro
 * precision, recall and F1 and the one-vs-rest macro ROC AUC ({@link io.mlgate.abtest.ClassificationMetrics}).
 * Plain Java, offline: it reads files only.
 */
package io.mlgate.abtest;
