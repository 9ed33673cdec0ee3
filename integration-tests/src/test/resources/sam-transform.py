#!/usr/bin/env python3
"""Prints the CloudFormation that AWS SAM makes of a template, with the SAM translator itself (the one
`sam deploy` and cfn-lint use). Local CodeUri/ContentUri folders stand in as S3 URIs, as `sam package` would
make them. Usage: sam-transform.py template.yaml > transformed.json"""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
from cfnlint.decode import cfn_yaml  # understands the short forms (!Ref, !Sub, ...)
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    def load(self):
        return {}


path = sys.argv[1]
with open(path) as source:
    template = json.loads(json.dumps(cfn_yaml.loads(source.read(), path)))
for resource in template.get("Resources", {}).values():
    properties = resource.get("Properties") or {}
    for uri in ("CodeUri", "ContentUri"):
        if isinstance(properties.get(uri), str):
            properties[uri] = "s3://genapi-artifacts/" + properties[uri]
try:
    print(json.dumps(transform(template, {}, NoManagedPolicies()), indent=1))
except InvalidDocumentException as e:
    print("SAM transform failed: " + "; ".join(cause.message for cause in e.causes), file=sys.stderr)
    sys.exit(1)
