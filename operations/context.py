"""Per-request state shared by the middleware, the log filter and the database router.

Context variables, not thread locals: each request (thread or task) sees its own values.
"""

from contextvars import ContextVar

# The id of the request being served ("-" outside a request: commands, startup).
request_id = ContextVar("request_id", default="-")

# True once this request must read from the primary: it wrote, it is a POST/PUT/PATCH/DELETE,
# or the same client wrote a moment ago (read-your-writes).
use_primary = ContextVar("use_primary", default=False)

# True once this request wrote to the database (so the client reads the primary for a while).
wrote = ContextVar("wrote", default=False)

# The replica this request reads from, chosen at its first read ("" until then).
replica = ContextVar("replica", default="")
