from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(api, ticket, name, content, content_type):
    message_id = api.get(f"/api/v1/tickets/{ticket.pk}").json()["messages"][0]["id"]
    return api.post(f"/api/v1/tickets/{ticket.pk}/messages/{message_id}/attachments",
                    {"file": SimpleUploadedFile(name, content, content_type=content_type)})


def test_upload_and_download(cast, make_ticket):
    ticket = make_ticket()
    customer = cast.client(cast.customer_user)
    r = _upload(customer, ticket, "../../截图.png", PNG, "image/png")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["filename"] == "截图.png" and data["size"] == len(PNG)
    download = customer.get(data["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert cast.client(cast.other_customer_user).get(data["url"]).status_code == 404


def test_wrong_type_and_size_are_rejected(cast, make_ticket, settings):
    ticket = make_ticket()
    api = cast.client(cast.admin)
    fake = _upload(api, ticket, "a.png", b"MZ\x90\x00 not a png", "image/png")
    assert (fake.status_code, fake.json()["code"]) == (415, "unsupported_media_type")
    exe = _upload(api, ticket, "a.exe", b"MZ", "application/x-msdownload")
    assert exe.status_code == 415
    settings.KEFU_MAX_ATTACHMENT_BYTES = 10
    big = _upload(api, ticket, "a.txt", b"x" * 11, "text/plain")
    assert (big.status_code, big.json()["code"]) == (413, "payload_too_large")
