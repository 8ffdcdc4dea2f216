"""The queue's task: a thin shell that runs one recorded Job."""

from django_tasks import task

from opora.core.jobs import job_run


@task()
def run_job(job_id: int) -> None:
    """Run the Job with `job_id` (enqueued by `opora.core.jobs.job_start`)."""
    job_run(job_id)
