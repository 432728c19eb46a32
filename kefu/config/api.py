"""The REST API: /api/v1, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI

from kefu.accounts.api import router as accounts_router
from kefu.core.api_errors import StrictJsonParser, install_error_handlers
from kefu.core.auth import BearerToken, Session
from kefu.customers.api import router as customers_router
from kefu.tickets.api import router as tickets_router

api = NinjaAPI(
    title="kefu API",
    version="1",
    description="kefu (客服) REST API. Authenticate with `Authorization: Bearer <token>` "
    "(`kefu token create USERNAME`) or a logged-in session.",
    auth=[BearerToken(), Session()],
    parser=StrictJsonParser(),
    urls_namespace="api-v1",
)
install_error_handlers(api)
api.add_router("/tickets", tickets_router)
api.add_router("/customers", customers_router)
api.add_router("/", accounts_router)
