/**
 * The AWS STS-compatible core: self-contained session tokens sealed under rotating keys ({@link
 * io.mlgate.sts.SessionTokens}), the evaluator's view of sessions ({@link io.mlgate.sts.SessionPrincipals}) and the
 * query-protocol service ({@link io.mlgate.sts.StsQueryService}); MFA devices in {@code mfa}, OIDC web identity in
 * {@code oidc}. See docs/sts.md.
 */
package io.mlgate.sts;
