import reflex as rx
from fastapi import FastAPI

api = FastAPI(openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs")

@api.get("/api/v1/health")
def health():
    return {"status": "ok"}

class S(rx.State):
    n: int = 0
    @rx.event
    def inc(self):
        self.n += 1

def index():
    return rx.vstack(rx.heading("hi"), rx.button("inc", on_click=S.inc), rx.text(S.n))

app = rx.App(api_transformer=api)
app.add_page(index)
