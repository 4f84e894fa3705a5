"""Booking a counselling session from a referral page: the holder offers one of their own times
covering the officer's unit; the booking is linked to the referral and is its contact. Others in
scope see no link and are refused; out of scope the referral does not exist."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from wellbeing.appointments import booking
from wellbeing.appointments.models import Appointment, Slot
from wellbeing.referrals import service as referrals
from wellbeing.referrals.models import Referral, ReferralEvent
from wellbeing.referrals.review import ReviewPolicy


def _held_referral(db_session: Any, people: Any, holder: str = "c1") -> Referral:
    referral = referrals.self_refer(db_session, people["o1"], None, referrals.Deadlines())
    referrals.claim(db_session, referral, people[holder])
    db_session.flush()
    return referral


def _signed_in(app: Flask, login: Any, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _book(client: FlaskClient, csrf: Any, referral: Referral, slot: Slot) -> Any:
    token = csrf(client, "/")
    return client.post(
        f"/referrals/{referral.id}/book", data={"csrf_token": token, "slot_id": slot.id}
    )


def _nothing_booked(db_session: Any, referral: Referral, status: str) -> None:
    mine = select(Appointment).where(Appointment.officer_id == referral.officer_id)
    assert db_session.scalars(mine).all() == []
    db_session.refresh(referral)
    assert referral.status == status


def test_the_holder_books_a_session_from_the_referral_page(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    referral = _held_referral(db_session, people)
    own, colleague, elsewhere = make_slot(), make_slot(by="c2"), make_slot(by="other")
    client = _signed_in(app, login, "c1")
    detail = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert 'id="book-session"' in detail
    page = client.get(f"/referrals/{referral.id}/book")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'data-slot="{own.id}"' in text
    assert f'data-slot="{colleague.id}"' not in text
    assert f'data-slot="{elsewhere.id}"' not in text
    assert "为民警预约心理咨询" in text  # needs the merged catalogue

    answer = _book(client, csrf, referral, own)
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/referrals/{referral.id}")
    appointment = db_session.scalars(select(Appointment)).one()
    assert (appointment.referral_id, appointment.officer_id) == (referral.id, people["o1"].id)
    assert (appointment.booked_by, appointment.slot_id) == (people["c1"].id, own.id)
    db_session.refresh(referral)
    db_session.refresh(own)
    assert (referral.status, own.status) == ("contacted", "booked")
    events = db_session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ).all()
    assert [event.kind for event in events].count("contact_attempt") == 1
    after = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "心理咨询已预约" in after  # needs the merged catalogue


def test_the_link_is_shown_only_to_whoever_may_work_the_referral(
    app: Flask, db_session: Any, people: Any, login: Any
) -> None:
    referral = _held_referral(db_session, people)
    unclaimed = referrals.self_refer(db_session, people["o2"], None, referrals.Deadlines())
    db_session.flush()
    holder, peer = _signed_in(app, login, "c1"), _signed_in(app, login, "c2")
    assert 'id="book-session"' in holder.get(f"/referrals/{referral.id}").get_data(as_text=True)
    peer_page = peer.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert 'data-may-work="no"' in peer_page
    assert 'id="book-session"' not in peer_page
    open_page = holder.get(f"/referrals/{unclaimed.id}").get_data(as_text=True)
    assert 'id="book-session"' not in open_page  # nobody holds it yet


def test_a_time_taken_meanwhile_shows_the_page_again_and_changes_nothing(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    referral, slot = _held_referral(db_session, people), make_slot()
    client = _signed_in(app, login, "c1")
    assert client.get(f"/referrals/{referral.id}/book").status_code == 200
    rival = booking.book(db_session, people["o2"], slot)  # o2 books it from the officer's page
    db_session.flush()
    answer = _book(client, csrf, referral, slot)
    assert answer.status_code == 409
    text = answer.get_data(as_text=True)
    assert 'data-error="slot_taken"' in text
    assert "这个时间刚刚被别人预约了" in text
    db_session.refresh(referral)
    assert referral.status == "claimed"
    assert db_session.scalars(select(Appointment)).all() == [rival]


def test_a_colleagues_time_is_refused(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    referral, colleague = _held_referral(db_session, people), make_slot(by="c2")
    client = _signed_in(app, login, "c1")
    answer = _book(client, csrf, referral, colleague)
    assert answer.status_code == 422
    assert "请选择一个可预约的时间" in answer.get_data(as_text=True)
    _nothing_booked(db_session, referral, "claimed")


def test_others_are_refused_and_out_of_scope_it_does_not_exist(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    referral = _held_referral(db_session, people)
    slots = {"c2": make_slot(by="c2"), "other": make_slot(by="other"), "c1": make_slot()}
    page = f"/referrals/{referral.id}/book"
    expected = {"c2": 403, "other": 404, "o1": 403, "o2": 403, "lead": 403, "adm": 403}
    for username, status in expected.items():
        client = _signed_in(app, login, username)
        assert client.get(page).status_code == status, username
        slot = slots.get(username, slots["c1"])
        assert _book(client, csrf, referral, slot).status_code == status, username
    _nothing_booked(db_session, referral, "claimed")


def test_booking_needs_the_form_token(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any
) -> None:
    referral, slot = _held_referral(db_session, people), make_slot()
    client = _signed_in(app, login, "c1")
    answer = client.post(f"/referrals/{referral.id}/book", data={"slot_id": slot.id})
    assert answer.status_code == 400
    _nothing_booked(db_session, referral, "claimed")


def test_a_closed_referral_books_nothing(
    app: Flask, db_session: Any, people: Any, make_slot: Any, login: Any, csrf: Any
) -> None:
    from wellbeing.referrals.models import Outcome

    referral, slot = _held_referral(db_session, people), make_slot()
    referrals.close(
        db_session,
        referral,
        people["c1"],
        outcome=Outcome.DECLINED,
        note="不需要",
        review=ReviewPolicy(seed=b"test"),
    )
    db_session.flush()
    client = _signed_in(app, login, "c1")
    assert client.get(f"/referrals/{referral.id}/book").status_code == 302
    assert _book(client, csrf, referral, slot).status_code == 302
    _nothing_booked(db_session, referral, "closed")
    db_session.refresh(slot)
    assert slot.status == "open"
