"""Drives `leadfuzz serve` with the official Klavis Python SDK.

Usage: python klavis_sdk.py BASE_URL TOKEN EXAMPLE_JSON
Exits non-zero (an AssertionError or an SDK error) when any step disagrees.
"""

import json
import sys

from klavis import Klavis, SandboxMcpServer
from klavis.types import CloseDataInput

base_url, token, example_path = sys.argv[1:4]
with open(example_path, encoding="utf-8") as f:
    example = json.load(f)



def as_dict(data):
    """The SDK gives dump data as a model or as a plain dict, by version."""
    return data if isinstance(data, dict) else data.model_dump(exclude_unset=True)


client = Klavis(api_key=token, base_url=base_url)

created = client.sandbox.create_sandbox(server_name=SandboxMcpServer.CLOSE)
assert created.status == "occupied", created
assert created.server_name == SandboxMcpServer.CLOSE, created
sandbox_id = created.sandbox_id

initialized = client.sandbox.initialize_close_sandbox(
    sandbox_id=sandbox_id, request=CloseDataInput.model_validate(example)
)
assert initialized.sandbox_id == sandbox_id, initialized
assert initialized.status == "occupied", initialized
assert initialized.records_created == {"leads": 5, "contacts": 8, "opportunities": 7, "tasks": 10}, initialized

dumped = client.sandbox.dump_close_sandbox(sandbox_id=sandbox_id)
assert dumped.sandbox_id == sandbox_id, dumped
data = as_dict(dumped.data)
assert len(data["leads"]) == 5, data
assert [lead["name"] for lead in data["leads"]] == [lead["name"] for lead in example["leads"]], data
contacts = sum(len(lead.get("contacts") or []) for lead in data["leads"])
assert contacts == 8, data

reset = client.sandbox.reset_sandbox(server_name=SandboxMcpServer.CLOSE, sandbox_id=sandbox_id)
assert reset.status == "occupied", reset
assert not as_dict(client.sandbox.dump_close_sandbox(sandbox_id=sandbox_id).data).get("leads"), "reset empties the data"

released = client.sandbox.delete_sandbox(server_name=SandboxMcpServer.CLOSE, sandbox_id=sandbox_id)
assert released.status == "idle", released

print("klavis SDK: create, initialize, dump, reset, delete: ok")
