"""The submission portal: schools hand in their master workbook in a browser and see its
校验结果 and 预算审核 at once; the bureau sees every school and downloads the consolidation.

engine.py is the only module that calls the core; worker.py runs it in a limited child
process; service.py decides status and visibility; app.py is the web door (FastAPI +
Jinja2); db.py, store.py and accounts.py hold the state (database and data folder only).
"""
