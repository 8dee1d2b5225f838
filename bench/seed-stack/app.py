"""The seeds' stack for the bench: FastAPI + SQLAlchemy on SQLite, written the way the seed systems write
it (a session per request, sync handlers on the thread pool, count + offset lists), doing the same work as
ROMS's hot routes. Only the bench starts it (bench/run.mjs); it is never part of ROMS.

  python3 -m uvicorn app:app --app-dir bench/seed-stack --port 8820   (SEED_DB=path/to/file.sqlite)
"""

import os
import uuid
from datetime import datetime, timezone

from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, Integer, String, create_engine, func, select
from sqlalchemy.orm import Session, declarative_base, sessionmaker

engine = create_engine(
    f"sqlite:///{os.environ.get('SEED_DB', '/tmp/seed-stack.sqlite')}",
    connect_args={"check_same_thread": False},
)
SessionLocal = sessionmaker(bind=engine, autoflush=False)
Base = declarative_base()


class Order(Base):
    __tablename__ = "orders"
    id = Column(String, primary_key=True)
    number = Column(String, unique=True, nullable=False)
    status = Column(String, index=True, nullable=False)
    customer = Column(String, nullable=False)
    currency = Column(String, nullable=False)
    total_minor = Column(Integer, nullable=False)
    placed_at = Column(String, index=True, nullable=False)


Base.metadata.create_all(engine)
app = FastAPI()


def db():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/orders")
def list_orders(status: str = "picking", limit: int = 50, offset: int = 0, session: Session = Depends(db)):
    query = select(Order).where(Order.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Order.placed_at.desc()).limit(limit).offset(offset)).all()
    return {
        "total": total,
        "items": [
            {"id": o.id, "number": o.number, "status": o.status, "customer": o.customer,
             "total": {"amount": o.total_minor, "currency": o.currency}, "placed_at": o.placed_at}
            for o in rows
        ],
    }


class NewOrder(BaseModel):
    customer: str
    currency: str
    total_minor: int
    status: str = "placed"


@app.post("/orders", status_code=201)
def create_order(body: NewOrder, session: Session = Depends(db)):
    order = Order(
        id=str(uuid.uuid4()),
        number=f"R-{uuid.uuid4().hex[:10]}",
        status=body.status,
        customer=body.customer,
        currency=body.currency,
        total_minor=body.total_minor,
        placed_at=datetime.now(timezone.utc).isoformat(),
    )
    session.add(order)
    session.commit()
    return {"id": order.id, "number": order.number}
