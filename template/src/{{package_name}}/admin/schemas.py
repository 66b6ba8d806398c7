from ..auth.models import Plan
from ..auth.schemas import UserOut
from ..schemas import PageOut, RequestModel


class UserPage(PageOut):
    items: list[UserOut]


class PlanChange(RequestModel):
    plan: Plan
