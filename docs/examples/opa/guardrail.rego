# mlgate guardrail example (Rego v1, OPA >= 1.0). A deny-only layer: IAM has already allowed the call when this runs.
#
# Compile to a Wasm bundle that mlgate loads from policies/opa/ (entrypoint taken from the bundle's manifest):
#   opa build -t wasm -e mlgate/guardrail/decision -o policies/opa/guardrail.tar.gz \
#       docs/examples/opa/guardrail.rego docs/examples/opa/data.json
# Test it with OPA's own runner:
#   opa test docs/examples/opa/
# The input document is described in docs/opa-guardrails.md.
package mlgate.guardrail

# Models tagged stage=experimental are not served to callers inside a production VPC.
deny contains msg if {
	input.resourceTags.stage == "experimental"
	input.network.vpcId in data.production_vpcs
	msg := sprintf("endpoint %v runs an experimental model; it is not served to production networks (%v)",
		[input.endpoint.name, input.network.vpcId])
}

# Payload limits per team (the caller's principal tag "team"); teams without a limit get the default.
payload_limit := data.payload_limits[input.principal.tags.team]

payload_limit := data.default_payload_limit if not data.payload_limits[input.principal.tags.team]

deny contains msg if {
	input.action == "sagemaker:InvokeEndpoint"
	input.payload.bytes > payload_limit
	msg := sprintf("a payload of %v bytes is over the limit of %v bytes for this team", [input.payload.bytes, payload_limit])
}

# Endpoints tagged working-hours=only answer on weekdays between 08:00 and 18:00 UTC.
weekend := {"Saturday", "Sunday"}

deny contains "this endpoint answers only in working hours (Monday to Friday, 08:00-18:00 UTC)" if {
	input.resourceTags["working-hours"] == "only"
	outside_working_hours
}

outside_working_hours if input.time.weekdayUtc in weekend

outside_working_hours if input.time.hourUtc < 8

outside_working_hours if input.time.hourUtc >= 18

# No personal data to endpoints tagged pii=forbidden, even when IAM would allow it.
deny contains "this endpoint does not accept personal data" if {
	input.resourceTags.pii == "forbidden"
	input.context["mlgate:piidetected"][0] == "true"
}

# The entrypoint mlgate evaluates: {"allow": bool, "reasons": [...]}.
decision := {"allow": count(deny) == 0, "reasons": sort(deny)}
