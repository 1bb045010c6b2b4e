"""Hello world: one solid with optional config, run with

dagster pipeline execute -f hello_world.py -n hello_world_pipeline
dagster pipeline execute hello_world_pipeline -e hello_world.yaml
"""

from dagster import Field, String, execute_pipeline, pipeline, solid


@solid(config={"name": Field(String, is_required=False, default_value="world")})
def hello_world(context):
    greeting = "Hello, {name}!".format(name=context.solid_config["name"])
    context.log.info(greeting)
    print(greeting)  # captured in the step's compute log
    return greeting


@pipeline
def hello_world_pipeline():
    hello_world()


if __name__ == "__main__":
    result = execute_pipeline(hello_world_pipeline)
    assert result.success
