"""Filter selects built from rows keep the chosen row selected after a reload."""
from delivery.models import District, Printer


def test_chosen_district_and_printer_stay_selected(client, session, login):
    session.add_all([District(id=1, name="Center"), District(id=2, name="North"),
                     Printer(name="Bar", api_key="k9", check_type="kitchen", point_id=4)])
    session.commit()
    login()
    couriers = client.get("/ui/couriers?district=2").get_data(as_text=True)
    assert '<option value="2" selected>North</option>' in couriers
    assert '<option value="1" >Center</option>' in couriers
    orders = client.get("/ui/orders?district=1").get_data(as_text=True)
    assert '<option value="1" selected>Center</option>' in orders
    checks = client.get("/ui/checks?printer=1").get_data(as_text=True)
    assert '<option value="1" selected>Bar</option>' in checks
