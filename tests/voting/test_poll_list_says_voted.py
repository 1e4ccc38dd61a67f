"""The poll list says, for each poll I may vote in, whether I (or my household) voted: "not voted yet"."""

from tests.voting.conftest import BALLOTS


def test_each_poll_of_the_list_says_whether_i_voted(client_for, town, new_poll, make_member):
    first, second = new_poll("single"), new_poll("approval", eligibility="household")
    other_grid = new_poll("yes_no", eligibility="grid", grid_id=town.community.grid_ids[1])
    me, neighbour = town.residents[0], town.residents[1]
    ids = [o["id"] for o in first["options"]]
    assert client_for(me).post(f"/api/v1/polls/{first['id']}/ballots", json=BALLOTS["single"](ids)).status_code == 201

    def voted(user):
        items = client_for(user).get(f"/api/v1/communities/{town.cid}/polls?status=open").json["items"]
        return {p["id"]: p["voted"] for p in items}

    assert voted(me) == {first["id"]: True, second["id"]: False, other_grid["id"]: None}
    assert voted(neighbour)[first["id"]] is False
    assert set(voted(None).values()) == {None}
    # a household poll: once my spouse voted, our household has
    spouse = make_member(town.community, household=("1", "1", str(1000 + me.id)))
    ids = [o["id"] for o in second["options"]]
    assert (
        client_for(spouse).post(f"/api/v1/polls/{second['id']}/ballots", json=BALLOTS["approval"](ids)).status_code
        == 201
    )
    assert voted(me)[second["id"]] is True
