-- wrk: validate the token in TOKEN with itself (GET /v3/auth/tokens).
wrk.method = "GET"
wrk.headers["X-Auth-Token"] = os.getenv("TOKEN")
wrk.headers["X-Subject-Token"] = os.getenv("TOKEN")
