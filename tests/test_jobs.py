"""The jobs infrastructure: the registry of job bodies, waiting for a result, failures
reported as JobFailed, the render time limit, and the worker command."""

import time

import pytest

from dankheo import jobs


@jobs.job("test_echo")
def _echo(value):
    return value


@jobs.job("test_fails")
def _fails():
    raise RuntimeError("the body failed")


def test_wait_for_returns_the_body_result(app):
    assert jobs.wait_for("test_echo", "xin chào") == "xin chào"


def test_a_failing_body_is_job_failed_for_the_caller(app):
    with pytest.raises(jobs.JobFailed):
        jobs.wait_for("test_fails")


def test_a_name_cannot_be_taken_by_a_second_body():
    def other(value):
        return value

    with pytest.raises(ValueError, match="test_echo"):
        jobs.job("test_echo")(other)
    assert jobs.job("test_echo")(_echo) is _echo  # registering the same body again is a no-op


def test_features_register_their_bodies_with_the_retries_they_need(app):
    tasks = jobs.get_huey(app).dankheo_tasks
    assert {"issue_certificates", "store_decision_pdf", "render_preview"} <= set(tasks)
    assert {"render_overlay_batch", "render_report"} <= set(tasks)
    assert tasks["issue_certificates"].retries == 2
    assert tasks["render_preview"].retries == 0


def test_time_limit_interrupts_a_slow_render():
    with pytest.raises(TimeoutError), jobs.time_limit(0.05):
        time.sleep(1)


def test_the_worker_command_keeps_its_name(runner):
    result = runner.invoke(args=["certificates", "worker", "--help"])
    assert result.exit_code == 0
    assert "--workers" in result.output
