"""Every sentence a learner or instructor reads comes from this package.

`common` holds the report, the command line and the sandbox; `lessonN` holds
the mistakes the checks of lesson N can name. Tests import these constants, so
a reworded message never breaks a test and a test never pins a typo.
"""
