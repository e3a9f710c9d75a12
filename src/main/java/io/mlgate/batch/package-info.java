/**
 * The client side of batch inference: {@code ./mlgate batch-transform} reads a file line by line and sends the lines
 * to a running gateway's InvokeEndpoint (SigV4-signed over HTTPS), writing one output line per input line, failed
 * lines to an errors file, and a checkpoint so a killed run resumes without duplicating output
 * (docs/batch-transform.md).
 */
package io.mlgate.batch;
