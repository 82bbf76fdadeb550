{#- A model's integer key within one build: a 64-bit hash of its repo id. The lineage models walk and join on
    it, not on the repo id: at 2M models a join or a recursive step on integers costs a fraction of one on
    strings, and a table of two keys is written in a fraction of the time. Keys are not stored across builds
    (every table holding one is rebuilt with the build), and the `unique_model_keys` test on int_models
    fails the build should two of the ids it knows ever hash alike. -#}
{% macro model_key(id) %}hash({{ id }}){% endmacro %}
