def test_sign_in_page_renders(client):
    response = client.get("/sign-in", expect=200)
    assert response.page.find("h1")
