/**
 * The AWS query protocol (IAM, STS) without HTTP: form-encoded request parameters in, XML out, and the service
 * interface the gateway routes query calls to. See shared/reference/aws-wire-protocols.md §2.5 and §3.
 */
package io.mlgate.protocol.query;
