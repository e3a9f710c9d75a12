# Unit tests for guardrail.rego, run with `opa test docs/examples/opa/`.
package mlgate.guardrail_test

import data.mlgate.guardrail

base := {
	"user": "demo-analyst",
	"principal": {"arn": "arn:aws:iam::123456789012:user/demo-analyst", "type": "User", "tags": {"team": "analytics"}},
	"action": "sagemaker:InvokeEndpoint",
	"resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
	"resourceTags": {},
	"context": {"mlgate:piidetected": ["false"]},
	"endpoint": {"name": "iris"},
	"payload": {"bytes": 15, "contentType": "text/csv"},
	"network": {"sourceIp": "10.0.1.5"},
	"time": {"hourUtc": 10, "weekdayUtc": "Tuesday"},
	"iam": {"decision": "Allow"},
}

test_plain_call_allowed if {
	guardrail.decision.allow with input as base
}

test_experimental_from_production_denied if {
	not guardrail.decision.allow with input as object.union(base, {
		"resourceTags": {"stage": "experimental"},
		"network": {"sourceIp": "10.0.1.5", "vpcId": "vpc-0prod0000000000a"},
	})
}

test_experimental_from_elsewhere_allowed if {
	guardrail.decision.allow with input as object.union(base, {"resourceTags": {"stage": "experimental"}})
}

test_payload_over_team_limit_denied if {
	not guardrail.decision.allow with input as object.union(base, {"payload": {"bytes": 70000}})
}

test_weekend_denied_for_working_hours_endpoints if {
	not guardrail.decision.allow with input as object.union(base, {
		"resourceTags": {"working-hours": "only"},
		"time": {"hourUtc": 10, "weekdayUtc": "Sunday"},
	})
}
