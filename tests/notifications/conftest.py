"""A real SMTP server in-process (aiosmtpd) that keeps what arrives, and a small world:
a campaign of the province's agency, its secretary, officers of commune C11 (with
e-mail addresses) and reviewers."""

import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from dankheo.extensions import db
from dankheo.models import NominationState, Role
from tests.conftest import make_test_config
from tests.factories import make_campaign, make_nomination, make_province, make_user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd names its hooks so
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(tmp_path, smtp):
    return make_test_config(
        tmp_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_SENDER="Dân vận khéo <thongbao@dankheo.example.vn>",
        MAIL_TIMEOUT=5,
    )


@pytest.fixture
def world(app):
    units = make_province()
    w = {
        "units": units,
        "secretary": make_user("thuky", (Role.SECRETARY, units["agency"])),
        "officer": make_user("canbo", (Role.OFFICER, units["c11"])),
        "officer2": make_user("canbo2", (Role.OFFICER, units["c11"])),
        "officer_other": make_user("canbo.khac", (Role.OFFICER, units["c21"])),
        "reviewers": [
            make_user(f"hoidong{i}", (Role.REVIEWER, units[u]))
            for i, u in enumerate(("d2", "c22", "c12"), start=1)
        ],
    }
    for key in ("secretary", "officer", "officer2", "officer_other"):
        w[key].email = f"{w[key].username}@dankheo.example.vn"
    for r in w["reviewers"]:
        r.email = f"{r.username}@dankheo.example.vn"
    w["campaign"] = make_campaign(units["agency"], quota=3)
    db.session.commit()
    return w


def submitted(world, **kw):
    n = make_nomination(
        world["campaign"],
        world["units"]["c11"],
        state=NominationState.SUBMITTED,
        created_by_id=world["officer"].id,
        **kw,
    )
    db.session.commit()
    return n
