"""The one door to Airflow: every module of the product that reads or writes Airflow lives here.

- `dag_factory`, `schedules`, `run_steps`: the DAGs of the integrations, their timetables, and the task code
  their steps run;
- `runs`, `reconciler`: DAG control (runnable, trigger, pause, pools, re-parse) and the dead-run sweep;
- `listeners`: the scheduler's run-ended events, which close a run's tasks at once;
- `auth_manager`, `task_logs`, `preloaded`: the deployment's auth manager, Airflow's task log files, and the
  components' entry point;
- `runtime`: what the service layer borrows from Airflow's runtime (the Fernet key, the log masker, metrics,
  object storage, the step timeout), each behind one function.

The service layer (`include.integracoes`) and the connectors import nothing from Airflow: they use `runtime`,
or receive what they need through an interface (`manual_runs.Runs`, `integrations.Reconciler`). The transports
use the providers' hooks as I/O libraries. tests/include/test_airflow_surface.py enforces both, and lists every
private Airflow name still used, so an upgrade of Airflow re-checks exactly those.
"""
