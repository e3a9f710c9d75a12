/**
 * The AWS CloudTrail API of mlgate (JSON 1.1, {@code com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*}):
 * {@link io.mlgate.audit.api.CloudTrailService} serves {@code LookupEvents} over an
 * {@link io.mlgate.audit.index.EventIndex} and {@code ListPublicKeys} from the audit folder's
 * {@code public-keys.json}, with the CloudTrail model's validation and error codes.
 *
 * <p>Differences from AWS: LookupEvents also returns data events (InvokeEndpoint) unless the service is built with
 * {@code includeDataEvents = false}; no 90-day limit (everything retention kept); {@code EventCategory=insight}
 * returns an empty list (mlgate records no Insights events); NextTokens are HMAC-authenticated under a key drawn per
 * service instance, so they do not survive a restart; ListPublicKeys never pages.
 */
package io.mlgate.audit.api;
