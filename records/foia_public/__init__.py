"""Public records requests online: the public form, e-mail confirmation, the requester's status
page by secret link, the re-send form and the public log of requests."""
